#!/usr/bin/env bash
# steeple apply stdlib/tutorial/multi-account.spire --provider aws
# Every command can be run twice: a stopped run is finished by running the script again.
set -euo pipefail

RENDERED="${RENDERED:-/srv/steeple/rendered}"

# == preflight: each profile is the account the script declares
# account backend
aws sts get-caller-identity --output json --profile backend --region us-east-2
# account frontend
aws sts get-caller-identity --output json --profile frontend --region us-east-2
# account shared
aws sts get-caller-identity --output json --profile shared --region us-east-2

# == stacks of layer 0, independent of one another: deployed in parallel
pids=()
# stack steeple-backend-0
(
  aws cloudformation deploy --stack-name steeple-backend-0 --template-file "${RENDERED}/cloudformation/backend/steeple-backend-0.yaml" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --profile backend --region us-east-2
) &
pids+=("$!")
# stack steeple-frontend-0
(
  aws cloudformation deploy --stack-name steeple-frontend-0 --template-file "${RENDERED}/cloudformation/frontend/steeple-frontend-0.yaml" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --profile frontend --region us-east-2
) &
pids+=("$!")
# stack steeple-shared-0
(
  aws cloudformation deploy --stack-name steeple-shared-0 --template-file "${RENDERED}/cloudformation/shared/steeple-shared-0.yaml" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --profile shared --region us-east-2
) &
pids+=("$!")
for pid in "${pids[@]}"; do wait "$pid"; done

# == outputs that layer 1 takes
# steeple-backend-1 takes ClusterEksClusterBackendName from steeple-backend-0's ClusterEksClusterBackendName
STEEPLE_BACKEND_0_CLUSTEREKSCLUSTERBACKENDNAME="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterEksClusterBackendName'\''].OutputValue' --output text --profile backend --region us-east-2)"
# steeple-backend-1 takes RoleSharedEksClusterSharedNodeRoleArn from steeple-shared-0's RoleSharedEksClusterSharedNodeRoleArn
STEEPLE_SHARED_0_ROLESHAREDEKSCLUSTERSHAREDNODEROLEARN="$(aws cloudformation describe-stacks --stack-name steeple-shared-0 --query 'Stacks[0].Outputs[?OutputKey=='\''RoleSharedEksClusterSharedNodeRoleArn'\''].OutputValue' --output text --profile shared --region us-east-2)"
# steeple-frontend-1 takes ClusterEksClusterFrontendName from steeple-frontend-0's ClusterEksClusterFrontendName
STEEPLE_FRONTEND_0_CLUSTEREKSCLUSTERFRONTENDNAME="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterEksClusterFrontendName'\''].OutputValue' --output text --profile frontend --region us-east-2)"
# steeple-frontend-1 takes RoleSharedEksClusterSharedNodeRoleArn from steeple-shared-0's RoleSharedEksClusterSharedNodeRoleArn
STEEPLE_SHARED_0_ROLESHAREDEKSCLUSTERSHAREDNODEROLEARN="$(aws cloudformation describe-stacks --stack-name steeple-shared-0 --query 'Stacks[0].Outputs[?OutputKey=='\''RoleSharedEksClusterSharedNodeRoleArn'\''].OutputValue' --output text --profile shared --region us-east-2)"
# steeple-shared-1 takes AccountIdBackend from steeple-backend-0's AccountId
STEEPLE_BACKEND_0_ACCOUNTID="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''AccountId'\''].OutputValue' --output text --profile backend --region us-east-2)"
# steeple-shared-1 takes AccountIdFrontend from steeple-frontend-0's AccountId
STEEPLE_FRONTEND_0_ACCOUNTID="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''AccountId'\''].OutputValue' --output text --profile frontend --region us-east-2)"
# steeple-shared-1 takes TransitGatewayTgwSharedArn from steeple-shared-0's TransitGatewayTgwSharedArn
STEEPLE_SHARED_0_TRANSITGATEWAYTGWSHAREDARN="$(aws cloudformation describe-stacks --stack-name steeple-shared-0 --query 'Stacks[0].Outputs[?OutputKey=='\''TransitGatewayTgwSharedArn'\''].OutputValue' --output text --profile shared --region us-east-2)"

# == stacks of layer 1, independent of one another: deployed in parallel
pids=()
# stack steeple-backend-1
(
  aws cloudformation deploy --stack-name steeple-backend-1 --template-file "${RENDERED}/cloudformation/backend/steeple-backend-1.yaml" --parameter-overrides "ClusterEksClusterBackendName=${STEEPLE_BACKEND_0_CLUSTEREKSCLUSTERBACKENDNAME}" "RoleSharedEksClusterSharedNodeRoleArn=${STEEPLE_SHARED_0_ROLESHAREDEKSCLUSTERSHAREDNODEROLEARN}" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --profile backend --region us-east-2
) &
pids+=("$!")
# stack steeple-frontend-1
(
  aws cloudformation deploy --stack-name steeple-frontend-1 --template-file "${RENDERED}/cloudformation/frontend/steeple-frontend-1.yaml" --parameter-overrides "ClusterEksClusterFrontendName=${STEEPLE_FRONTEND_0_CLUSTEREKSCLUSTERFRONTENDNAME}" "RoleSharedEksClusterSharedNodeRoleArn=${STEEPLE_SHARED_0_ROLESHAREDEKSCLUSTERSHAREDNODEROLEARN}" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --profile frontend --region us-east-2
) &
pids+=("$!")
# stack steeple-shared-1
(
  aws cloudformation deploy --stack-name steeple-shared-1 --template-file "${RENDERED}/cloudformation/shared/steeple-shared-1.yaml" --parameter-overrides "AccountIdBackend=${STEEPLE_BACKEND_0_ACCOUNTID}" "AccountIdFrontend=${STEEPLE_FRONTEND_0_ACCOUNTID}" "TransitGatewayTgwSharedArn=${STEEPLE_SHARED_0_TRANSITGATEWAYTGWSHAREDARN}" --no-fail-on-empty-changeset --profile shared --region us-east-2
) &
pids+=("$!")
for pid in "${pids[@]}"; do wait "$pid"; done

# == outputs that layer 2 takes
# steeple-backend-2 takes ClusterEksClusterBackendSecurityGroupId from steeple-backend-0's ClusterEksClusterBackendSecurityGroupId
STEEPLE_BACKEND_0_CLUSTEREKSCLUSTERBACKENDSECURITYGROUPID="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterEksClusterBackendSecurityGroupId'\''].OutputValue' --output text --profile backend --region us-east-2)"
# steeple-backend-2 takes TransitGatewayTgwSharedId from steeple-shared-0's TransitGatewayTgwSharedId
STEEPLE_SHARED_0_TRANSITGATEWAYTGWSHAREDID="$(aws cloudformation describe-stacks --stack-name steeple-shared-0 --query 'Stacks[0].Outputs[?OutputKey=='\''TransitGatewayTgwSharedId'\''].OutputValue' --output text --profile shared --region us-east-2)"
# steeple-backend-2 takes VpcEksClusterBackendId from steeple-backend-0's VpcEksClusterBackendId
STEEPLE_BACKEND_0_VPCEKSCLUSTERBACKENDID="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''VpcEksClusterBackendId'\''].OutputValue' --output text --profile backend --region us-east-2)"
# steeple-backend-2 takes VpcEksClusterBackendPrivateRouteTableId from steeple-backend-0's VpcEksClusterBackendPrivateRouteTableId
STEEPLE_BACKEND_0_VPCEKSCLUSTERBACKENDPRIVATEROUTETABLEID="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''VpcEksClusterBackendPrivateRouteTableId'\''].OutputValue' --output text --profile backend --region us-east-2)"
# steeple-backend-2 takes VpcEksClusterBackendPrivateSubnetIds from steeple-backend-0's VpcEksClusterBackendPrivateSubnetIds
STEEPLE_BACKEND_0_VPCEKSCLUSTERBACKENDPRIVATESUBNETIDS="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''VpcEksClusterBackendPrivateSubnetIds'\''].OutputValue' --output text --profile backend --region us-east-2)"
# steeple-backend-2 takes VpcEksClusterBackendPublicRouteTableId from steeple-backend-0's VpcEksClusterBackendPublicRouteTableId
STEEPLE_BACKEND_0_VPCEKSCLUSTERBACKENDPUBLICROUTETABLEID="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''VpcEksClusterBackendPublicRouteTableId'\''].OutputValue' --output text --profile backend --region us-east-2)"
# steeple-frontend-2 takes ClusterEksClusterFrontendSecurityGroupId from steeple-frontend-0's ClusterEksClusterFrontendSecurityGroupId
STEEPLE_FRONTEND_0_CLUSTEREKSCLUSTERFRONTENDSECURITYGROUPID="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterEksClusterFrontendSecurityGroupId'\''].OutputValue' --output text --profile frontend --region us-east-2)"
# steeple-frontend-2 takes TransitGatewayTgwSharedId from steeple-shared-0's TransitGatewayTgwSharedId
STEEPLE_SHARED_0_TRANSITGATEWAYTGWSHAREDID="$(aws cloudformation describe-stacks --stack-name steeple-shared-0 --query 'Stacks[0].Outputs[?OutputKey=='\''TransitGatewayTgwSharedId'\''].OutputValue' --output text --profile shared --region us-east-2)"
# steeple-frontend-2 takes VpcEksClusterFrontendId from steeple-frontend-0's VpcEksClusterFrontendId
STEEPLE_FRONTEND_0_VPCEKSCLUSTERFRONTENDID="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''VpcEksClusterFrontendId'\''].OutputValue' --output text --profile frontend --region us-east-2)"
# steeple-frontend-2 takes VpcEksClusterFrontendPrivateRouteTableId from steeple-frontend-0's VpcEksClusterFrontendPrivateRouteTableId
STEEPLE_FRONTEND_0_VPCEKSCLUSTERFRONTENDPRIVATEROUTETABLEID="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''VpcEksClusterFrontendPrivateRouteTableId'\''].OutputValue' --output text --profile frontend --region us-east-2)"
# steeple-frontend-2 takes VpcEksClusterFrontendPrivateSubnetIds from steeple-frontend-0's VpcEksClusterFrontendPrivateSubnetIds
STEEPLE_FRONTEND_0_VPCEKSCLUSTERFRONTENDPRIVATESUBNETIDS="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''VpcEksClusterFrontendPrivateSubnetIds'\''].OutputValue' --output text --profile frontend --region us-east-2)"
# steeple-frontend-2 takes VpcEksClusterFrontendPublicRouteTableId from steeple-frontend-0's VpcEksClusterFrontendPublicRouteTableId
STEEPLE_FRONTEND_0_VPCEKSCLUSTERFRONTENDPUBLICROUTETABLEID="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''VpcEksClusterFrontendPublicRouteTableId'\''].OutputValue' --output text --profile frontend --region us-east-2)"
# steeple-shared-2 takes RoleBackendEksClusterBackendAccessRoleArn from steeple-backend-1's RoleBackendEksClusterBackendAccessRoleArn
STEEPLE_BACKEND_1_ROLEBACKENDEKSCLUSTERBACKENDACCESSROLEARN="$(aws cloudformation describe-stacks --stack-name steeple-backend-1 --query 'Stacks[0].Outputs[?OutputKey=='\''RoleBackendEksClusterBackendAccessRoleArn'\''].OutputValue' --output text --profile backend --region us-east-2)"
# steeple-shared-2 takes RoleFrontendEksClusterFrontendAccessRoleArn from steeple-frontend-1's RoleFrontendEksClusterFrontendAccessRoleArn
STEEPLE_FRONTEND_1_ROLEFRONTENDEKSCLUSTERFRONTENDACCESSROLEARN="$(aws cloudformation describe-stacks --stack-name steeple-frontend-1 --query 'Stacks[0].Outputs[?OutputKey=='\''RoleFrontendEksClusterFrontendAccessRoleArn'\''].OutputValue' --output text --profile frontend --region us-east-2)"
# steeple-shared-2 takes RoleSharedEksClusterSharedNodeRoleName from steeple-shared-0's RoleSharedEksClusterSharedNodeRoleName
STEEPLE_SHARED_0_ROLESHAREDEKSCLUSTERSHAREDNODEROLENAME="$(aws cloudformation describe-stacks --stack-name steeple-shared-0 --query 'Stacks[0].Outputs[?OutputKey=='\''RoleSharedEksClusterSharedNodeRoleName'\''].OutputValue' --output text --profile shared --region us-east-2)"

# == stacks of layer 2, independent of one another: deployed in parallel
pids=()
# stack steeple-backend-2
(
  aws cloudformation deploy --stack-name steeple-backend-2 --template-file "${RENDERED}/cloudformation/backend/steeple-backend-2.yaml" --parameter-overrides "ClusterEksClusterBackendSecurityGroupId=${STEEPLE_BACKEND_0_CLUSTEREKSCLUSTERBACKENDSECURITYGROUPID}" "TransitGatewayTgwSharedId=${STEEPLE_SHARED_0_TRANSITGATEWAYTGWSHAREDID}" "VpcEksClusterBackendId=${STEEPLE_BACKEND_0_VPCEKSCLUSTERBACKENDID}" "VpcEksClusterBackendPrivateRouteTableId=${STEEPLE_BACKEND_0_VPCEKSCLUSTERBACKENDPRIVATEROUTETABLEID}" "VpcEksClusterBackendPrivateSubnetIds=${STEEPLE_BACKEND_0_VPCEKSCLUSTERBACKENDPRIVATESUBNETIDS}" "VpcEksClusterBackendPublicRouteTableId=${STEEPLE_BACKEND_0_VPCEKSCLUSTERBACKENDPUBLICROUTETABLEID}" --no-fail-on-empty-changeset --profile backend --region us-east-2
) &
pids+=("$!")
# stack steeple-frontend-2
(
  aws cloudformation deploy --stack-name steeple-frontend-2 --template-file "${RENDERED}/cloudformation/frontend/steeple-frontend-2.yaml" --parameter-overrides "ClusterEksClusterFrontendSecurityGroupId=${STEEPLE_FRONTEND_0_CLUSTEREKSCLUSTERFRONTENDSECURITYGROUPID}" "TransitGatewayTgwSharedId=${STEEPLE_SHARED_0_TRANSITGATEWAYTGWSHAREDID}" "VpcEksClusterFrontendId=${STEEPLE_FRONTEND_0_VPCEKSCLUSTERFRONTENDID}" "VpcEksClusterFrontendPrivateRouteTableId=${STEEPLE_FRONTEND_0_VPCEKSCLUSTERFRONTENDPRIVATEROUTETABLEID}" "VpcEksClusterFrontendPrivateSubnetIds=${STEEPLE_FRONTEND_0_VPCEKSCLUSTERFRONTENDPRIVATESUBNETIDS}" "VpcEksClusterFrontendPublicRouteTableId=${STEEPLE_FRONTEND_0_VPCEKSCLUSTERFRONTENDPUBLICROUTETABLEID}" --no-fail-on-empty-changeset --profile frontend --region us-east-2
) &
pids+=("$!")
# stack steeple-shared-2
(
  aws cloudformation deploy --stack-name steeple-shared-2 --template-file "${RENDERED}/cloudformation/shared/steeple-shared-2.yaml" --parameter-overrides "RoleBackendEksClusterBackendAccessRoleArn=${STEEPLE_BACKEND_1_ROLEBACKENDEKSCLUSTERBACKENDACCESSROLEARN}" "RoleFrontendEksClusterFrontendAccessRoleArn=${STEEPLE_FRONTEND_1_ROLEFRONTENDEKSCLUSTERFRONTENDACCESSROLEARN}" "RoleSharedEksClusterSharedNodeRoleName=${STEEPLE_SHARED_0_ROLESHAREDEKSCLUSTERSHAREDNODEROLENAME}" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --profile shared --region us-east-2
) &
pids+=("$!")
for pid in "${pids[@]}"; do wait "$pid"; done

# == kubeconfig contexts, one per cluster
# cluster eks-cluster-shared
aws eks update-kubeconfig --name eks-cluster-shared --alias eks-cluster-shared --kubeconfig "${RENDERED}/kubeconfig" --profile shared --region us-east-2
# cluster eks-cluster-backend
aws eks update-kubeconfig --name eks-cluster-backend --alias eks-cluster-backend --kubeconfig "${RENDERED}/kubeconfig" --profile backend --region us-east-2
# cluster eks-cluster-frontend
aws eks update-kubeconfig --name eks-cluster-frontend --alias eks-cluster-frontend --kubeconfig "${RENDERED}/kubeconfig" --profile frontend --region us-east-2

# == manifests, server-side, in order
# kubernetes/eks-cluster-shared/1-namespaces.yaml on eks-cluster-shared
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared apply --server-side --field-manager steeple -f "${RENDERED}/kubernetes/eks-cluster-shared/1-namespaces.yaml"
# kubernetes/eks-cluster-shared/2-spire.yaml on eks-cluster-shared
STEEPLE_BACKEND_0_CLUSTEREKSCLUSTERBACKENDENDPOINT="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterEksClusterBackendEndpoint'\''].OutputValue' --output text --profile backend --region us-east-2)"
STEEPLE_BACKEND_0_CLUSTEREKSCLUSTERBACKENDCERTIFICATEAUTHORITYDATA="$(aws cloudformation describe-stacks --stack-name steeple-backend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterEksClusterBackendCertificateAuthorityData'\''].OutputValue' --output text --profile backend --region us-east-2)"
STEEPLE_BACKEND_1_ROLEBACKENDEKSCLUSTERBACKENDACCESSROLEARN="$(aws cloudformation describe-stacks --stack-name steeple-backend-1 --query 'Stacks[0].Outputs[?OutputKey=='\''RoleBackendEksClusterBackendAccessRoleArn'\''].OutputValue' --output text --profile backend --region us-east-2)"
STEEPLE_FRONTEND_0_CLUSTEREKSCLUSTERFRONTENDENDPOINT="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterEksClusterFrontendEndpoint'\''].OutputValue' --output text --profile frontend --region us-east-2)"
STEEPLE_FRONTEND_0_CLUSTEREKSCLUSTERFRONTENDCERTIFICATEAUTHORITYDATA="$(aws cloudformation describe-stacks --stack-name steeple-frontend-0 --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterEksClusterFrontendCertificateAuthorityData'\''].OutputValue' --output text --profile frontend --region us-east-2)"
STEEPLE_FRONTEND_1_ROLEFRONTENDEKSCLUSTERFRONTENDACCESSROLEARN="$(aws cloudformation describe-stacks --stack-name steeple-frontend-1 --query 'Stacks[0].Outputs[?OutputKey=='\''RoleFrontendEksClusterFrontendAccessRoleArn'\''].OutputValue' --output text --profile frontend --region us-east-2)"
STEEPLE_SHARED_0_SPIRESERVERIMAGEREPOSITORYURI="$(aws cloudformation describe-stacks --stack-name steeple-shared-0 --query 'Stacks[0].Outputs[?OutputKey=='\''SpireServerImageRepositoryUri'\''].OutputValue' --output text --profile shared --region us-east-2)"
mkdir -p "$(dirname "${RENDERED}/filled/kubernetes/eks-cluster-shared/2-spire.yaml")"
filled="$(<"${RENDERED}/kubernetes/eks-cluster-shared/2-spire.yaml")"
filled="${filled//'{{ClusterEksClusterBackendCertificateAuthorityData}}'/"${STEEPLE_BACKEND_0_CLUSTEREKSCLUSTERBACKENDCERTIFICATEAUTHORITYDATA}"}"
filled="${filled//'{{ClusterEksClusterBackendEndpoint}}'/"${STEEPLE_BACKEND_0_CLUSTEREKSCLUSTERBACKENDENDPOINT}"}"
filled="${filled//'{{ClusterEksClusterFrontendCertificateAuthorityData}}'/"${STEEPLE_FRONTEND_0_CLUSTEREKSCLUSTERFRONTENDCERTIFICATEAUTHORITYDATA}"}"
filled="${filled//'{{ClusterEksClusterFrontendEndpoint}}'/"${STEEPLE_FRONTEND_0_CLUSTEREKSCLUSTERFRONTENDENDPOINT}"}"
filled="${filled//'{{RoleBackendEksClusterBackendAccessRoleArn}}'/"${STEEPLE_BACKEND_1_ROLEBACKENDEKSCLUSTERBACKENDACCESSROLEARN}"}"
filled="${filled//'{{RoleFrontendEksClusterFrontendAccessRoleArn}}'/"${STEEPLE_FRONTEND_1_ROLEFRONTENDEKSCLUSTERFRONTENDACCESSROLEARN}"}"
filled="${filled//'{{SpireServerImageRepositoryUri}}'/"${STEEPLE_SHARED_0_SPIRESERVERIMAGEREPOSITORYURI}"}"
printf '%s\n' "$filled" > "${RENDERED}/filled/kubernetes/eks-cluster-shared/2-spire.yaml"
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared apply --server-side --field-manager steeple -f "${RENDERED}/filled/kubernetes/eks-cluster-shared/2-spire.yaml"
# kubernetes/eks-cluster-backend/1-namespaces.yaml on eks-cluster-backend
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-backend apply --server-side --field-manager steeple -f "${RENDERED}/kubernetes/eks-cluster-backend/1-namespaces.yaml"
# kubernetes/eks-cluster-backend/2-spire.yaml on eks-cluster-backend
OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH=''
for attempt in $(seq 60); do
  OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH="$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared get service spire-server -n spire -o 'jsonpath={.status.loadBalancer.ingress[0].hostname}')"
  if [ -n "${OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH}" ]; then break; fi
  sleep 10
done
if [ -z "${OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH}" ]; then
  echo 'steeple: kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared get service spire-server -n spire -o '\''jsonpath={.status.loadBalancer.ingress[0].hostname}'\'' printed nothing after 60 tries' >&2
  exit 1
fi
mkdir -p "$(dirname "${RENDERED}/filled/kubernetes/eks-cluster-backend/2-spire.yaml")"
filled="$(<"${RENDERED}/kubernetes/eks-cluster-backend/2-spire.yaml")"
filled="${filled//'{{SpireServerAddressAmMultiAccountMesh}}'/"${OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH}"}"
printf '%s\n' "$filled" > "${RENDERED}/filled/kubernetes/eks-cluster-backend/2-spire.yaml"
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-backend apply --server-side --field-manager steeple -f "${RENDERED}/filled/kubernetes/eks-cluster-backend/2-spire.yaml"
# kubernetes/eks-cluster-backend/3-workloads.yaml on eks-cluster-backend
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-backend apply --server-side --field-manager steeple -f "${RENDERED}/kubernetes/eks-cluster-backend/3-workloads.yaml"
# kubernetes/eks-cluster-frontend/1-namespaces.yaml on eks-cluster-frontend
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-frontend apply --server-side --field-manager steeple -f "${RENDERED}/kubernetes/eks-cluster-frontend/1-namespaces.yaml"
# kubernetes/eks-cluster-frontend/2-spire.yaml on eks-cluster-frontend
OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH=''
for attempt in $(seq 60); do
  OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH="$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared get service spire-server -n spire -o 'jsonpath={.status.loadBalancer.ingress[0].hostname}')"
  if [ -n "${OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH}" ]; then break; fi
  sleep 10
done
if [ -z "${OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH}" ]; then
  echo 'steeple: kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared get service spire-server -n spire -o '\''jsonpath={.status.loadBalancer.ingress[0].hostname}'\'' printed nothing after 60 tries' >&2
  exit 1
fi
mkdir -p "$(dirname "${RENDERED}/filled/kubernetes/eks-cluster-frontend/2-spire.yaml")"
filled="$(<"${RENDERED}/kubernetes/eks-cluster-frontend/2-spire.yaml")"
filled="${filled//'{{SpireServerAddressAmMultiAccountMesh}}'/"${OBJECT_SPIRESERVERADDRESSAMMULTIACCOUNTMESH}"}"
printf '%s\n' "$filled" > "${RENDERED}/filled/kubernetes/eks-cluster-frontend/2-spire.yaml"
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-frontend apply --server-side --field-manager steeple -f "${RENDERED}/filled/kubernetes/eks-cluster-frontend/2-spire.yaml"
# kubernetes/eks-cluster-frontend/3-workloads.yaml on eks-cluster-frontend
OBJECT_SERVICEEKSCLUSTERBACKENDYELBYELBAPPSERVERADDRESS=''
for attempt in $(seq 60); do
  OBJECT_SERVICEEKSCLUSTERBACKENDYELBYELBAPPSERVERADDRESS="$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-backend get service yelb-appserver -n yelb -o 'jsonpath={.status.loadBalancer.ingress[0].hostname}')"
  if [ -n "${OBJECT_SERVICEEKSCLUSTERBACKENDYELBYELBAPPSERVERADDRESS}" ]; then break; fi
  sleep 10
done
if [ -z "${OBJECT_SERVICEEKSCLUSTERBACKENDYELBYELBAPPSERVERADDRESS}" ]; then
  echo 'steeple: kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-backend get service yelb-appserver -n yelb -o '\''jsonpath={.status.loadBalancer.ingress[0].hostname}'\'' printed nothing after 60 tries' >&2
  exit 1
fi
mkdir -p "$(dirname "${RENDERED}/filled/kubernetes/eks-cluster-frontend/3-workloads.yaml")"
filled="$(<"${RENDERED}/kubernetes/eks-cluster-frontend/3-workloads.yaml")"
filled="${filled//'{{ServiceEksClusterBackendYelbYelbAppserverAddress}}'/"${OBJECT_SERVICEEKSCLUSTERBACKENDYELBYELBAPPSERVERADDRESS}"}"
printf '%s\n' "$filled" > "${RENDERED}/filled/kubernetes/eks-cluster-frontend/3-workloads.yaml"
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-frontend apply --server-side --field-manager steeple -f "${RENDERED}/filled/kubernetes/eks-cluster-frontend/3-workloads.yaml"

# == SPIRE servers ready
# the SPIRE server of am-multi-account-mesh
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared rollout status statefulset/spire-server -n spire --timeout=10m

# == after the manifests: SPIRE entries
# spire.entry.spiffe://am-multi-account-mesh/frontend
if ! grep -qF -- spiffe://am-multi-account-mesh/frontend <<<"$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry show -spiffeID spiffe://am-multi-account-mesh/frontend)"; then
  kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry create -spiffeID spiffe://am-multi-account-mesh/frontend -parentID spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front -selector k8s:ns:yelb -selector k8s:sa:default -selector k8s:pod-label:app:yelb-ui -selector k8s:pod-label:tier:frontend -selector k8s:container-name:envoy -x509SVIDTTL 3600 -jwtSVIDTTL 300
fi
# spire.entry.spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back
if ! grep -qF -- spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back <<<"$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry show -spiffeID spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back)"; then
  kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry create -spiffeID spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back -parentID spiffe://am-multi-account-mesh/spire/server -selector k8s_psat:cluster:backend-k8s-cluster -selector k8s_psat:agent_ns:spire -selector k8s_psat:agent_sa:spire-agent-back -x509SVIDTTL 3600 -jwtSVIDTTL 300
fi
# spire.entry.spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front
if ! grep -qF -- spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front <<<"$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry show -spiffeID spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front)"; then
  kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry create -spiffeID spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front -parentID spiffe://am-multi-account-mesh/spire/server -selector k8s_psat:cluster:frontend-k8s-cluster -selector k8s_psat:agent_ns:spire -selector k8s_psat:agent_sa:spire-agent-front -x509SVIDTTL 3600 -jwtSVIDTTL 300
fi
# spire.entry.spiffe://am-multi-account-mesh/redis
if ! grep -qF -- spiffe://am-multi-account-mesh/redis <<<"$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry show -spiffeID spiffe://am-multi-account-mesh/redis)"; then
  kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry create -spiffeID spiffe://am-multi-account-mesh/redis -parentID spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back -selector k8s:ns:yelb -selector k8s:sa:default -selector k8s:pod-label:app:redis-server -selector k8s:pod-label:tier:cache -selector k8s:container-name:envoy -x509SVIDTTL 3600 -jwtSVIDTTL 300
fi
# spire.entry.spiffe://am-multi-account-mesh/yelbapp
if ! grep -qF -- spiffe://am-multi-account-mesh/yelbapp <<<"$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry show -spiffeID spiffe://am-multi-account-mesh/yelbapp)"; then
  kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry create -spiffeID spiffe://am-multi-account-mesh/yelbapp -parentID spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back -selector k8s:ns:yelb -selector k8s:sa:default -selector k8s:pod-label:app:yelb-appserver -selector k8s:pod-label:tier:middletier -selector k8s:container-name:envoy -x509SVIDTTL 3600 -jwtSVIDTTL 300
fi
# spire.entry.spiffe://am-multi-account-mesh/yelbdb
if ! grep -qF -- spiffe://am-multi-account-mesh/yelbdb <<<"$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry show -spiffeID spiffe://am-multi-account-mesh/yelbdb)"; then
  kubectl --kubeconfig "${RENDERED}/kubeconfig" --context eks-cluster-shared exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry create -spiffeID spiffe://am-multi-account-mesh/yelbdb -parentID spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back -selector k8s:ns:yelb -selector k8s:sa:default -selector k8s:pod-label:app:yelb-db -selector k8s:pod-label:tier:backenddb -selector k8s:container-name:envoy -x509SVIDTTL 3600 -jwtSVIDTTL 300
fi

echo 'steeple: runbook done' >&2
