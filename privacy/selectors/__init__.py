"""Reads that encode a rule — who may see what, who may be used for what, what is due, what may go — one module
per domain. Every path to the same rows (staff views, portal, exports, PDFs, admin, tasks) calls these."""
