"""Pure ASGI middleware of the gateway: request ids, the last-resort error and body limits."""
