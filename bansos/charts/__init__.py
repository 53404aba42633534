"""Chart builders: pure functions, DataFrame in, plotly figure out.

One template and one colour-blind-safe palette (Okabe-Ito) for every chart;
pilots and comparison regions keep the same colours everywhere. Builders take
the UI language and already translated labels; they compute nothing that a
query did not return.
"""
