"""From presentation files to documents: the only package that knows pypdf, python-pptx and
langdetect."""
