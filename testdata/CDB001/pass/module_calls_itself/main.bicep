// A module that includes itself, and variables that refer to each other: both end as
// Unknown values instead of looping.
param depth int = 0

var a = b
var b = a

module again './main.bicep' = if (depth < 3) {
  name: 'again'
  params: {
    depth: depth + 1
  }
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: a
    disableKeyBasedMetadataWriteAccess: true
  }
}
