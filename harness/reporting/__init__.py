"""Reports: live progress, JUnit XML, the sign-off report."""
