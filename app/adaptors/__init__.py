"""Adaptors' records (spec: Adaptors): the records an adaptor's actions keep (webhook requests,
approval requests...), shown and edited as key/value attributes through one registry."""
