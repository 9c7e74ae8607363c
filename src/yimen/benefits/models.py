"""Models of benefits."""
