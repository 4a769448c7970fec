"""Importers: one module per source format. Each validates and returns accepted rows plus rejected rows with reasons."""
