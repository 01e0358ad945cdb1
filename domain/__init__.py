"""Pure domain model for casejourney: no Kafka, SQL or Streamlit here."""
