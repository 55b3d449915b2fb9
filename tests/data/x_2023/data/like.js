window.YTD.like.part0 = [
  {
    "like" : {
      "tweetId" : "1099999999999999555",
      "fullText" : "What do you think, @ana_x?",
      "expandedUrl" : "https://twitter.com/i/web/status/1099999999999999555"
    }
  }
]
