"""What every test area shares: the app factory helper (`app.make_app`)."""
