"""Everything that touches pixels and PDFs."""
