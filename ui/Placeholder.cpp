namespace adminchat {}
