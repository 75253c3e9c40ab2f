"""The portal: the Django shell around the pure core (accounts, collections, uploads, sign-off)."""
