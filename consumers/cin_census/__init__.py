"""Importing the DfE children-in-need census return, and the machinery both returns share.

The CIN census defines the codes (GUIDE section 3) and the record keys (a
referral date is the key of a CIN episode) that the Ofsted Annex A uses too, so
the parts both importers need live here: value parsing (`values`), facts and
their deterministic ids (`facts`), linking records that the returns do not link
(`links`), comparing with what earlier imports stored (`reconcile`) and the run
that records it all with a summary and rejects (`run`).
"""
