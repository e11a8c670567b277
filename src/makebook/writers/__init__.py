"""The writers: EPUB, PDF (laid out by WeasyPrint), web edition.

WeasyPrint warns as it is imported when the machine has no fonts. The PDF is set only in
the faces print.css vendors (faces.py), so that warning does not apply to makebook: it is
silenced here, before any writer imports WeasyPrint.
"""
import warnings

warnings.filterwarnings("ignore", message="No fonts configured in FontConfig", category=UserWarning)
warnings.filterwarnings("ignore", message="FontConfig cannot load default config file", category=UserWarning)
