"""The report layer: charts and the rendering of notebooks into self-contained HTML pages."""
