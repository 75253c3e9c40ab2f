"""The data team's decisions on what schools sent: queries, shared pupils, held files,
locks, and the collection's progress page."""
