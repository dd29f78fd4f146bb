"""Automations: triggers on domain events, ordered actions of adaptors, durable runs."""
