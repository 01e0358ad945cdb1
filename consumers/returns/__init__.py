"""The import engine both statutory returns share (Annex A and the CIN census).

The CIN census defines the codes (GUIDE section 3) and the record keys (a
referral date is the key of a CIN episode) that the Ofsted Annex A uses too, so
what both importers need lives here: value parsing (`values`), facts and their
deterministic ids (`facts`), linking records that the returns do not link
(`links`), comparing with what earlier imports stored (`reconcile`) and the run
that records it all with a summary and rejects (`run`). The readers of each
return live in `annex_a/` and `cin_census/`.
"""
