"""Schools' results reports as PDF: rendered with WeasyPrint in tasks, one per school.

render.py builds the HTML and the PDF, charts.py the inline SVG charts, fetcher.py the only
way WeasyPrint may read anything (this folder's fonts and stylesheet), publish.py publishing a
collection and making each school's new report versions.
"""
