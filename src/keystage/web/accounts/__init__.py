"""People: signing in, two-factor, passwords, invitations, staff accounts."""
