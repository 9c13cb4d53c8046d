"""Built-in checks, one module per family; each module registers its checks on import.

They load through the entry-point group `dataqa.checks` like any third-party plugin.
"""
