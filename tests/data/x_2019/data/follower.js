window.YTD.follower.part0 = [ {
  "follower" : {
    "accountId" : "2002",
    "userLink" : "https://twitter.com/intent/user?user_id=2002"
  }
} ]
