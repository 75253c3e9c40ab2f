"""The spreadsheet route to a CTF, for schools whose software cannot make one: a downloadable
XLSX template per collection, and a reader that turns a filled one into the pupils a CTF
would carry, checked by the same rules, with every finding pointing at its sheet, row and
column. Pure Python and openpyxl: never imports Django.

    from keystage.template.build import build_template
    from keystage.template.check import check_template

    data = build_template("KS1", codesets.load("2025-26"), school)
    outcome = check_template(filled, Context(codeset=..., collection="KS1", school=school))

Modules: `layout` (the columns), `build` (the workbook), `safety` (a workbook looked at before
it is opened), `workbook` (opening it), `info` (its hidden details), `rows`, `headings` and
`values` (its Pupils sheet), `read` (all of those together: rows into pupils, findings into
cells), `check` (read and the rule registry together; the CTF made from it), `cells`
(locations such as "Pupils!D9"), `start` (a workbook refused at upload).
This package imports nothing itself, so that `keystage validate` and the portal load openpyxl
only when a spreadsheet arrives.
"""

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
