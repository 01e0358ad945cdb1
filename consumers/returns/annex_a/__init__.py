"""Importing the Ofsted Annex A workbook (or its lists saved as CSV files).

`schema.yml` declares, as data, which sheets and columns are read and what each
feeds; `schema` loads and matches it, `workbook` reads .xlsx and .csv files into
records, and `lists` turns each list's records into contract facts.
"""
