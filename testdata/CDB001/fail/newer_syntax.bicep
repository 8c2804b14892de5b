extension microsoftGraphV1

import { tagsType } from 'types.bicep'

type networkType = {
  publicAccess: ('Enabled' | 'Disabled')?
  ipRules: string[]?
}

@description('Optional settings.')
param settings { localAuth: bool? }?

param network networkType?

param tags resourceInput<'Microsoft.DocumentDB/databaseAccounts@2024-11-15'>.tags?

var capabilityNames = map([ 'EnableServerless' ], name => { name: name })
var allowKeys = settings.?localAuth ?? !empty(filter([ 'a', 'b' ], x => x == 'a'))

func accountName(prefix string) string => '${prefix}-cosmos'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  tags: tags
  properties: {
    databaseAccountOfferType: 'Standard'
    publicNetworkAccess: network.?publicAccess ?? 'Disabled'
    capabilities: capabilityNames
    disableLocalAuth: !allowKeys // expect: CDB001
    disableKeyBasedMetadataWriteAccess: true
  }
}
