"""The facilitator's console: dashboard, create, run, moderate, export."""
