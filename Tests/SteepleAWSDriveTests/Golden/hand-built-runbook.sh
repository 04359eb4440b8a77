#!/usr/bin/env bash
# steeple apply fixture.spire --provider aws
# Every command can be run twice: a stopped run is finished by running the script again.
set -euo pipefail

RENDERED="${RENDERED:-/srv/steeple/rendered}"

# == preflight: each profile is the account the script declares
# account frontend
if [ "$(aws sts get-caller-identity --query Account --output text --profile frontend --region us-east-2)" != 222222222222 ]; then
  echo 'steeple: the profile '\''frontend'\'' is not account frontend (222222222222): point the profile '\''frontend'\'' at account 222222222222 in your AWS config, or fix the account'\''s id or profile in the script; nothing was changed' >&2
  exit 1
fi
# account shared
if [ "$(aws sts get-caller-identity --query Account --output text --profile shared --region us-east-2)" != 111111111111 ]; then
  echo 'steeple: the profile '\''shared'\'' is not account shared (111111111111): point the profile '\''shared'\'' at account 111111111111 in your AWS config, or fix the account'\''s id or profile in the script; nothing was changed' >&2
  exit 1
fi

# == stacks of layer 0
# stack steeple-shared-network
aws cloudformation deploy --stack-name steeple-shared-network --template-file "${RENDERED}/cloudformation/shared-network.yaml" --no-fail-on-empty-changeset --profile shared --region us-east-2

# == after the stacks of layer 0
# ram.share_acceptance.tgw-share/frontend
RAM_SHARE_ACCEPTANCE_TGW_SHARE_FRONTEND="$(aws ram get-resource-share-invitations --query 'resourceShareInvitations[?resourceShareName=='\''tgw-share'\'' && status=='\''PENDING'\''].resourceShareInvitationArn' --output text --profile frontend --region us-east-2)"
for invitation in ${RAM_SHARE_ACCEPTANCE_TGW_SHARE_FRONTEND}; do
  aws ram accept-resource-share-invitation --resource-share-invitation-arn "${invitation}" --profile frontend --region us-east-2
done

# == outputs that layer 1 takes
# steeple-frontend-network takes TransitGatewayId from steeple-shared-network's TgwTransitGatewayId
STEEPLE_SHARED_NETWORK_TGWTRANSITGATEWAYID="$(aws cloudformation describe-stacks --stack-name steeple-shared-network --query 'Stacks[0].Outputs[?OutputKey=='\''TgwTransitGatewayId'\''].OutputValue' --output text --profile shared --region us-east-2)"

# == stacks of layer 1
# stack steeple-frontend-network
aws cloudformation deploy --stack-name steeple-frontend-network --template-file "${RENDERED}/cloudformation/frontend-network.yaml" --parameter-overrides "TransitGatewayId=${STEEPLE_SHARED_NETWORK_TGWTRANSITGATEWAYID}" --no-fail-on-empty-changeset --profile frontend --region us-east-2

# == after the stacks of layer 1
# ec2.transit_gateway_attachment_accepter.frontend
EC2_TRANSIT_GATEWAY_ATTACHMENT_ACCEPTER_FRONTEND="$(aws ec2 describe-transit-gateway-vpc-attachments --filters Name=state,Values=pendingAcceptance --query 'TransitGatewayVpcAttachments[].TransitGatewayAttachmentId' --output text --profile shared --region us-east-2)"
for attachment in ${EC2_TRANSIT_GATEWAY_ATTACHMENT_ACCEPTER_FRONTEND}; do
  aws ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id "${attachment}" --profile shared --region us-east-2
done

# == outputs that layer 2 takes
# steeple-frontend-cluster takes VpcId from steeple-frontend-network's VpcFrontendVpcId
STEEPLE_FRONTEND_NETWORK_VPCFRONTENDVPCID="$(aws cloudformation describe-stacks --stack-name steeple-frontend-network --query 'Stacks[0].Outputs[?OutputKey=='\''VpcFrontendVpcId'\''].OutputValue' --output text --profile frontend --region us-east-2)"

# == stacks of layer 2
# stack steeple-frontend-cluster
aws cloudformation deploy --stack-name steeple-frontend-cluster --template-file "${RENDERED}/cloudformation/frontend-cluster.yaml" --parameter-overrides "VpcId=${STEEPLE_FRONTEND_NETWORK_VPCFRONTENDVPCID}" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --profile frontend --region us-east-2

# == kubeconfig contexts, one per cluster
# cluster frontend
aws eks update-kubeconfig --name steeple-frontend --alias frontend --kubeconfig "${RENDERED}/kubeconfig" --profile frontend --region us-east-2

# == manifests, server-side, in order
# kubernetes/frontend/spire-server.yaml on frontend
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context frontend apply --server-side --field-manager steeple -f "${RENDERED}/kubernetes/frontend/spire-server.yaml"
# kubernetes/frontend/3-workloads.yaml on frontend
STEEPLE_FRONTEND_CLUSTER_CLUSTERFRONTENDARN="$(aws cloudformation describe-stacks --stack-name steeple-frontend-cluster --query 'Stacks[0].Outputs[?OutputKey=='\''ClusterFrontendArn'\''].OutputValue' --output text --profile frontend --region us-east-2)"
OBJECT_SERVERHOST=''
for attempt in $(seq 60); do
  OBJECT_SERVERHOST="$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context frontend get service spire-server -n spire -o 'jsonpath={.status.loadBalancer.ingress[0].hostname}')"
  if [ -n "${OBJECT_SERVERHOST}" ]; then break; fi
  sleep 10
done
if [ -z "${OBJECT_SERVERHOST}" ]; then
  echo 'steeple: kubectl --kubeconfig "${RENDERED}/kubeconfig" --context frontend get service spire-server -n spire -o '\''jsonpath={.status.loadBalancer.ingress[0].hostname}'\'' printed nothing after 60 tries' >&2
  exit 1
fi
mkdir -p "$(dirname "${RENDERED}/filled/kubernetes/frontend/3-workloads.yaml")"
filled="$(<"${RENDERED}/kubernetes/frontend/3-workloads.yaml")"
filled="${filled//'{{ClusterArn}}'/"${STEEPLE_FRONTEND_CLUSTER_CLUSTERFRONTENDARN}"}"
filled="${filled//'{{ServerHost}}'/"${OBJECT_SERVERHOST}"}"
printf '%s\n' "$filled" > "${RENDERED}/filled/kubernetes/frontend/3-workloads.yaml"
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context frontend apply --server-side --field-manager steeple -f "${RENDERED}/filled/kubernetes/frontend/3-workloads.yaml"

# == SPIRE servers ready
# the SPIRE server of example.org
kubectl --kubeconfig "${RENDERED}/kubeconfig" --context frontend rollout status statefulset/spire-server -n spire --timeout=10m

# == after the manifests: SPIRE entries
# spire.entry.spiffe://example.org/ns/yelb/sa/yelb-ui
if ! grep -qF -- spiffe://example.org/ns/yelb/sa/yelb-ui <<<"$(kubectl --kubeconfig "${RENDERED}/kubeconfig" --context frontend exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry show -spiffeID spiffe://example.org/ns/yelb/sa/yelb-ui)"; then
  kubectl --kubeconfig "${RENDERED}/kubeconfig" --context frontend exec -n spire statefulset/spire-server -c spire-server -- /opt/spire/bin/spire-server entry create -spiffeID spiffe://example.org/ns/yelb/sa/yelb-ui -parentID spiffe://example.org/spire/server -selector k8s:ns:yelb -selector k8s:sa:yelb-ui
fi

echo 'steeple: runbook done' >&2
