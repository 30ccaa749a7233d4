"""Forms of the privacy capabilities, one module per domain (as views/ and services/)."""
