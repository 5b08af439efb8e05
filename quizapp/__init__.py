"""quizapp: learn the PyTorch API by predicting what code does."""

__version__ = "0.1.0"
