"""Command-line commands, one module each (see konvergensi.cli)."""
