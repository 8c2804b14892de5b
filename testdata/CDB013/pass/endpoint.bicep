param subnetId string

