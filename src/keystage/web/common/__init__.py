"""What every feature stands on: access to the clock, mail, audit, logs, forms, retries,
spreadsheets and PDFs. Imports no feature."""
