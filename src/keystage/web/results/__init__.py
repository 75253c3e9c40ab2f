"""The figures as they stand: each school's current pupils, the comparison figures,
and the data team's results pages."""
