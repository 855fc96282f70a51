#!/usr/bin/env python
"""A project directory whose settings module is not there."""
