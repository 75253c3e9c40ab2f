"""Schools' results reports as PDF: rendered with WeasyPrint in tasks, one per school.

school_report.py makes the school-level report (with figures.py, subjects.py and trend.py),
pupil_report.py and pupil_pdf.py the pupil-level one, making.py renders and stores a school's
new versions, publish.py publishes a collection. The charts are keystage.web.common.charts';
the fonts, stylesheet and rendering keystage.web.common.pdf's.
"""
