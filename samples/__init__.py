"""Sample documents: the synthetic generator (``samples.synth``) and the demo set (``demo/``)."""
