window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "Salon",
            "indices" : [
              "16",
              "22"
            ]
          }
        ],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Bo",
            "screen_name" : "bo_x",
            "indices" : [
              "6",
              "11"
            ],
            "id_str" : "2002",
            "id" : "2002"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "22"
      ],
      "favorite_count" : "1",
      "id_str" : "1100000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1100000000000000001",
      "created_at" : "Tue Jan 01 10:00:00 +0000 2019",
      "favorited" : false,
      "full_text" : "Hello @bo_x, see #Salon",
      "lang" : "en",
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1100000000000000001"
          ],
          "editableUntil" : "2019-01-01T11:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      }
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "20"
      ],
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "1100000000000000001",
      "id_str" : "1100000000000000002",
      "in_reply_to_user_id" : "1000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1100000000000000002",
      "in_reply_to_status_id" : "1100000000000000001",
      "created_at" : "Tue Jan 01 10:05:00 +0000 2019",
      "favorited" : false,
      "full_text" : "And a second thought",
      "lang" : "en",
      "in_reply_to_screen_name" : "ana_x",
      "in_reply_to_user_id_str" : "1000000001",
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1100000000000000002"
          ],
          "editableUntil" : "2019-01-01T11:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      }
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Ana",
            "screen_name" : "ana_x",
            "indices" : [
              "0",
              "6"
            ],
            "id_str" : "1000000001",
            "id" : "1000000001"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "17"
      ],
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "1100000000000000002",
      "id_str" : "1100000000000000003",
      "in_reply_to_user_id" : "1000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1100000000000000003",
      "in_reply_to_status_id" : "1100000000000000002",
      "created_at" : "Tue Jan 01 10:06:00 +0000 2019",
      "favorited" : false,
      "full_text" : "@ana_x and a third",
      "lang" : "en",
      "in_reply_to_screen_name" : "ana_x",
      "in_reply_to_user_id_str" : "1000000001",
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1100000000000000003"
          ],
          "editableUntil" : "2019-01-01T11:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      }
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Bo",
            "screen_name" : "bo_x",
            "indices" : [
              "0",
              "5"
            ],
            "id_str" : "2002",
            "id" : "2002"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "13"
      ],
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "1099999999999999555",
      "id_str" : "1100000000000000004",
      "in_reply_to_user_id" : "2002",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1100000000000000004",
      "in_reply_to_status_id" : "1099999999999999555",
      "created_at" : "Wed Jan 02 09:00:00 +0000 2019",
      "favorited" : false,
      "full_text" : "@bo_x Agreed.",
      "lang" : "en",
      "in_reply_to_screen_name" : "bo_x",
      "in_reply_to_user_id_str" : "2002",
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1100000000000000004"
          ],
          "editableUntil" : "2019-01-01T11:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      }
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Cy",
            "screen_name" : "cy_x",
            "indices" : [
              "3",
              "8"
            ],
            "id_str" : "3003",
            "id" : "3003"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "30"
      ],
      "favorite_count" : "0",
      "id_str" : "1100000000000000005",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1100000000000000005",
      "created_at" : "Thu Jan 03 09:00:00 +0000 2019",
      "favorited" : false,
      "full_text" : "RT @cy_x: Something worth reading",
      "lang" : "en",
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1100000000000000005"
          ],
          "editableUntil" : "2019-01-01T11:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      }
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Ana",
            "screen_name" : "ana_x",
            "indices" : [
              "3",
              "9"
            ],
            "id_str" : "1000000001",
            "id" : "1000000001"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "28"
      ],
      "favorite_count" : "0",
      "id_str" : "1100000000000000006",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1100000000000000006",
      "created_at" : "Fri Jan 04 09:00:00 +0000 2019",
      "favorited" : false,
      "full_text" : "RT @ana_x: Hello @bo_x, see #Salon",
      "lang" : "en",
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1100000000000000006"
          ],
          "editableUntil" : "2019-01-01T11:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      }
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : [
          {
            "url" : "https://t.co/abcdefghij",
            "expanded_url" : "https://twitter.com/ana_x/status/1100000000000000001",
            "display_url" : "twitter.com/ana_x/status/1\u2026",
            "indices" : [
              "14",
              "37"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "37"
      ],
      "favorite_count" : "0",
      "id_str" : "1100000000000000007",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1100000000000000007",
      "possibly_sensitive" : false,
      "created_at" : "Sat Jan 05 09:00:00 +0000 2019",
      "favorited" : false,
      "full_text" : "Still true: https://t.co/abcdefghij",
      "lang" : "en",
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1100000000000000007"
          ],
          "editableUntil" : "2019-01-01T11:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      }
    }
  }
]