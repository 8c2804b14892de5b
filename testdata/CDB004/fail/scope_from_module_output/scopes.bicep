param accountId string

// Meant to be `${accountId}/dbs/orders`.
output ordersScope string = accountId
