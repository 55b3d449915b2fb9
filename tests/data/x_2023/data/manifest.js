window.__THAR_CONFIG = {
  "userInfo" : {
    "accountId" : "1000000001",
    "userName" : "ana_x",
    "displayName" : "Ana Example"
  },
  "archiveInfo" : {
    "sizeBytes" : "123456",
    "generationDate" : "2023-08-20T11:06:14.174Z",
    "isPartialArchive" : false,
    "maxPartSizeBytes" : "53687091200"
  },
  "readmeInfo" : {
    "fileName" : "data/README.txt",
    "directory" : "data/",
    "name" : "README.txt"
  },
  "dataTypes" : {
    "tweets" : {
      "mediaDirectory" : "data/tweets_media",
      "files" : [ {
        "fileName" : "data/tweets.js",
        "globalName" : "YTD.tweets.part0",
        "count" : "7"
      } ]
    },
    "follower" : {
      "files" : [ {
        "fileName" : "data/follower.js",
        "globalName" : "YTD.follower.part0",
        "count" : "1"
      } ]
    }
  }
}
