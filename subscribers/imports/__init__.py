"""The import of an office's existing register (issue 19): models, file reading, row cleaning, the run itself."""
