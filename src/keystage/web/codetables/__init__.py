"""The year's code tables as data the LA manages: loading a file in the shipped format,
seeing what differs from the year before, publishing it, and the reference page and download
every school uses. The checks read the table in force through keystage.codesets, which asks
`published.source` (registered in PortalConfig.ready) before the shipped data files."""
