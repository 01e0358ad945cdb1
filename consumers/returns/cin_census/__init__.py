"""Reading the DfE children-in-need census return (XML) into facts for the shared engine."""
