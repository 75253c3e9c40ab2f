"""People and schools: signing in, two-factor, passwords, invitations, staff accounts."""
