"""Chasing schools: who is due a reminder, sending it, the daily task and the LA's page."""
