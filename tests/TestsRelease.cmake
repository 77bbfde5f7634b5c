# Installation, the Debian package and the GUI smoke test under Xvfb.
