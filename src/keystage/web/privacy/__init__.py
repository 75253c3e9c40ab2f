"""Data protection: the data-sharing statement, retention and the audit trail's pages."""
