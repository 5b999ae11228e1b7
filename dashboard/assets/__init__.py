"""The dashboard's static assets (CSS), served by Dash and read through importlib.resources."""
