"""The words layer: every sentence a report prints, and how numbers are written.

Built from the numbers and typed results the layers below return: verdict words, window
labels, guard reasons, "What it means" paragraphs, the executive summary. A second report
language, or a change of wording, touches this layer only.
"""
