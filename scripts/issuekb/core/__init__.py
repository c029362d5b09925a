"""The core: the model of an analysis, its loading, the rules and the link graph. No network, no writes."""
