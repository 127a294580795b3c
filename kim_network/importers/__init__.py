"""Importers: CORDIS project data, the centre's member files, and exports."""
