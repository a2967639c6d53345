// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Fixtures} from "./utils/Fixtures.sol";
import {DstackKms} from "../src/DstackKms.sol";
import {DstackApp} from "../src/DstackApp.sol";
import {DstackKmsV2} from "./mocks/DstackKmsV2.sol";

/// @notice The parts of Safe v1.4.1 the test uses (declared here; the bytecode comes from the
///         package's published artifacts).
interface ISafe {
    function setup(
        address[] calldata owners,
        uint256 threshold,
        address to,
        bytes calldata data,
        address fallbackHandler,
        address paymentToken,
        uint256 payment,
        address payable paymentReceiver
    ) external;
    function execTransaction(
        address to,
        uint256 value,
        bytes calldata data,
        uint8 operation,
        uint256 safeTxGas,
        uint256 baseGas,
        uint256 gasPrice,
        address gasToken,
        address payable refundReceiver,
        bytes memory signatures
    ) external payable returns (bool success);
    function getTransactionHash(
        address to,
        uint256 value,
        bytes calldata data,
        uint8 operation,
        uint256 safeTxGas,
        uint256 baseGas,
        uint256 gasPrice,
        address gasToken,
        address refundReceiver,
        uint256 nonce
    ) external view returns (bytes32);
    function approveHash(bytes32 hashToApprove) external;
    function nonce() external view returns (uint256);
    function getOwners() external view returns (address[] memory);
    function getThreshold() external view returns (uint256);
    function domainSeparator() external view returns (bytes32);
    function VERSION() external view returns (string memory);
}

interface ISafeProxyFactory {
    function createProxyWithNonce(address singleton, bytes memory initializer, uint256 saltNonce)
        external
        returns (address proxy);
}

/// @notice Governance model C: DstackKms owned by a TimelockController whose proposer, executor
///         and canceller is a 2-of-3 Safe. Every change needs two signatures to schedule, the
///         delay, and two signatures to execute.
contract GovernanceTest is Fixtures {
    string internal constant ART = "../node_modules/@safe-global/safe-contracts/build/artifacts/contracts/";
    uint256 internal constant DELAY = 2 days;
    bytes32 internal constant SALT = keccak256("kmsctl-governance-test");

    // Safe's EIP-712 types, from their definitions (not copied constants)
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256("EIP712Domain(uint256 chainId,address verifyingContract)");
    bytes32 internal constant SAFE_TX_TYPEHASH = keccak256(
        "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"
    );

    // OperationState bitmaps in TimelockUnexpectedOperationState: 1 << state
    bytes32 internal constant EXPECT_UNSET = bytes32(uint256(1));
    bytes32 internal constant EXPECT_READY = bytes32(uint256(4));

    error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates);
    error TimelockInsufficientDelay(uint256 delay, uint256 minDelay);
    error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
    error TimelockUnauthorizedCaller(address caller);

    uint256[3] internal keys = [uint256(0xA11CE5), uint256(0xB0B5), uint256(0xCA401)];
    address[3] internal signers;
    uint256 internal constant OUTSIDER_KEY = 0xE7E;
    address internal relayer = address(0x5E1A7);

    ISafe internal safe;
    TimelockController internal timelock;
    DstackKms internal kms;

    function deployArtifact(string memory path) internal returns (address a) {
        bytes memory code = vm.getCode(string.concat(ART, path));
        assembly {
            a := create(0, add(code, 0x20), mload(code))
        }
        assertTrue(a != address(0) && a.code.length > 0, "artifact deployment failed");
    }

    function setUp() public {
        for (uint256 i = 0; i < 3; i++) signers[i] = vm.addr(keys[i]);
        address singleton = deployArtifact("Safe.sol/Safe.json");
        ISafeProxyFactory factory = ISafeProxyFactory(deployArtifact("proxies/SafeProxyFactory.sol/SafeProxyFactory.json"));
        address[] memory owners = new address[](3);
        for (uint256 i = 0; i < 3; i++) owners[i] = signers[i];
        bytes memory init =
            abi.encodeCall(ISafe.setup, (owners, 2, address(0), "", address(0), address(0), 0, payable(address(0))));
        safe = ISafe(factory.createProxyWithNonce(singleton, init, 0));
        assertEq(safe.getThreshold(), 2);
        assertEq(safe.getOwners().length, 3);
        assertEq(safe.VERSION(), "1.4.1");

        address[] memory roles = new address[](1);
        roles[0] = address(safe);
        timelock = new TimelockController(DELAY, roles, roles, address(0));

        // deployed by this contract, then handed to the timelock (Ownable2Step: two steps)
        kms = deployKms(address(this), address(new DstackApp()));
        kms.transferOwnership(address(timelock));
        assertEq(kms.owner(), address(this), "still the deployer's until accepted");
        bytes memory accept = abi.encodeCall(kms.acceptOwnership, ());
        scheduleViaSafe(address(kms), accept, 0);
        vm.warp(block.timestamp + DELAY);
        executeViaSafe(address(kms), accept, 0);
        assertEq(kms.owner(), address(timelock), "timelock owns the KMS");
        assertEq(kms.pendingOwner(), address(0));
    }

    // ------------------------------------------------------------------ Safe helpers

    function safeTxHash(address to, bytes memory data, uint256 n) internal view returns (bytes32) {
        bytes32 domain = keccak256(abi.encode(DOMAIN_TYPEHASH, block.chainid, address(safe)));
        bytes32 structHash = keccak256(
            abi.encode(SAFE_TX_TYPEHASH, to, 0, keccak256(data), uint8(0), 0, 0, 0, address(0), address(0), n)
        );
        return keccak256(abi.encodePacked(bytes1(0x19), bytes1(0x01), domain, structHash));
    }

    /// Signatures of `keyIdx` keys over `hash`, sorted by signer address as the Safe requires.
    function sign(bytes32 hash, uint256[] memory privKeys) internal pure returns (bytes memory sigs) {
        uint256 n = privKeys.length;
        for (uint256 i = 0; i < n; i++) {
            for (uint256 j = i + 1; j < n; j++) {
                if (vm.addr(privKeys[j]) < vm.addr(privKeys[i])) {
                    (privKeys[i], privKeys[j]) = (privKeys[j], privKeys[i]);
                }
            }
        }
        for (uint256 i = 0; i < n; i++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(privKeys[i], hash);
            sigs = abi.encodePacked(sigs, r, s, v);
        }
    }

    function twoKeys(uint256 a, uint256 b) internal view returns (uint256[] memory k) {
        k = new uint256[](2);
        k[0] = keys[a];
        k[1] = keys[b];
    }

    /// Runs `data` on `to` as a Safe transaction signed by `sigs`, submitted by a relayer.
    function execSafe(address to, bytes memory data, bytes memory sigs) internal returns (bool) {
        vm.prank(relayer);
        return safe.execTransaction(to, 0, data, 0, 0, 0, 0, address(0), payable(address(0)), sigs);
    }

    function execSafeSigned(address to, bytes memory data, uint256 a, uint256 b) internal returns (bool) {
        bytes32 h = safe.getTransactionHash(to, 0, data, 0, 0, 0, 0, address(0), address(0), safe.nonce());
        assertEq(h, safeTxHash(to, data, safe.nonce()), "Safe tx hash (EIP-712) computed independently");
        return execSafe(to, data, sign(h, twoKeys(a, b)));
    }

    function scheduleCall(address target, bytes memory call) internal pure returns (bytes memory) {
        return abi.encodeCall(TimelockController.schedule, (target, 0, call, bytes32(0), SALT, DELAY));
    }

    function executeCall(address target, bytes memory call) internal pure returns (bytes memory) {
        return abi.encodeCall(TimelockController.execute, (target, 0, call, bytes32(0), SALT));
    }

    /// Signers `a` and `b` (by index) schedule `call` on the timelock through the Safe.
    function scheduleViaSafe(address target, bytes memory call, uint256 a) internal {
        assertTrue(execSafeSigned(address(timelock), scheduleCall(target, call), a, (a + 1) % 3), "schedule");
    }

    function executeViaSafe(address target, bytes memory call, uint256 a) internal {
        assertTrue(execSafeSigned(address(timelock), executeCall(target, call), a, (a + 2) % 3), "execute");
    }

    function opId(address target, bytes memory call) internal view returns (bytes32) {
        return timelock.hashOperation(target, 0, call, bytes32(0), SALT);
    }

    // ------------------------------------------------------------------ the scenario

    function test_policyChange_scheduleWaitExecute() public {
        bytes memory call = abi.encodeCall(DstackKms.addOsImageHash, (OS));
        bytes32 id = opId(address(kms), call);
        uint256 nonceBefore = safe.nonce();

        scheduleViaSafe(address(kms), call, 1);
        assertEq(safe.nonce(), nonceBefore + 1);
        assertEq(uint256(timelock.getOperationState(id)), uint256(TimelockController.OperationState.Waiting));
        assertEq(timelock.getTimestamp(id), block.timestamp + DELAY);
        assertFalse(kms.allowedOsImages(OS), "nothing changes at schedule time");

        // executing before the delay: the timelock refuses (state Ready expected) ...
        vm.prank(address(safe));
        vm.expectRevert(abi.encodeWithSelector(TimelockUnexpectedOperationState.selector, id, EXPECT_READY));
        timelock.execute(address(kms), 0, call, bytes32(0), SALT);
        // ... and through the Safe the failed inner call surfaces as GS013, using no nonce
        bytes memory exec = executeCall(address(kms), call);
        bytes32 h = safe.getTransactionHash(address(timelock), 0, exec, 0, 0, 0, 0, address(0), address(0), safe.nonce());
        bytes memory sigs = sign(h, twoKeys(0, 2));
        vm.prank(relayer);
        vm.expectRevert(revertString("GS013"));
        safe.execTransaction(address(timelock), 0, exec, 0, 0, 0, 0, address(0), payable(address(0)), sigs);
        assertEq(safe.nonce(), nonceBefore + 1);

        vm.warp(block.timestamp + DELAY - 1); // one second short
        vm.prank(address(safe));
        vm.expectRevert(abi.encodeWithSelector(TimelockUnexpectedOperationState.selector, id, EXPECT_READY));
        timelock.execute(address(kms), 0, call, bytes32(0), SALT);

        vm.warp(block.timestamp + 1);
        assertEq(uint256(timelock.getOperationState(id)), uint256(TimelockController.OperationState.Ready));
        vm.expectEmit(true, true, true, true, address(kms));
        emit PolicyChanged(address(timelock), P_OS_IMAGE, OS, true);
        assertTrue(execSafe(address(timelock), exec, sigs), "the same signatures work once ready");
        assertTrue(kms.allowedOsImages(OS), "change applied");
        assertEq(uint256(timelock.getOperationState(id)), uint256(TimelockController.OperationState.Done));

        // an executed operation cannot run again
        vm.prank(address(safe));
        vm.expectRevert(abi.encodeWithSelector(TimelockUnexpectedOperationState.selector, id, EXPECT_READY));
        timelock.execute(address(kms), 0, call, bytes32(0), SALT);
    }

    function test_scheduleTwiceReverts() public {
        bytes memory call = abi.encodeCall(DstackKms.addKmsDevice, (DEV));
        scheduleViaSafe(address(kms), call, 0);
        bytes32 id = opId(address(kms), call);
        vm.prank(address(safe));
        vm.expectRevert(abi.encodeWithSelector(TimelockUnexpectedOperationState.selector, id, EXPECT_UNSET));
        timelock.schedule(address(kms), 0, call, bytes32(0), SALT, DELAY);
    }

    function test_delayBelowMinimumReverts() public {
        vm.prank(address(safe));
        vm.expectRevert(abi.encodeWithSelector(TimelockInsufficientDelay.selector, DELAY - 1, DELAY));
        timelock.schedule(address(kms), 0, abi.encodeCall(DstackKms.addKmsDevice, (DEV)), bytes32(0), SALT, DELAY - 1);
    }

    function test_cancelBySafe() public {
        bytes memory call = abi.encodeCall(DstackKms.addKmsAggregatedMr, (MR));
        bytes32 id = opId(address(kms), call);
        scheduleViaSafe(address(kms), call, 0);
        assertTrue(execSafeSigned(address(timelock), abi.encodeCall(TimelockController.cancel, (id)), 1, 2), "cancel");
        assertEq(uint256(timelock.getOperationState(id)), uint256(TimelockController.OperationState.Unset));
        vm.warp(block.timestamp + DELAY);
        vm.prank(address(safe));
        vm.expectRevert(abi.encodeWithSelector(TimelockUnexpectedOperationState.selector, id, EXPECT_READY));
        timelock.execute(address(kms), 0, call, bytes32(0), SALT);
        assertFalse(kms.kmsAllowedAggregatedMrs(MR));
    }

    function test_upgradeThroughGovernance() public {
        DstackKmsV2 v2 = new DstackKmsV2();
        bytes memory call = abi.encodeCall(kms.upgradeToAndCall, (address(v2), bytes("")));
        scheduleViaSafe(address(kms), call, 2);
        vm.warp(block.timestamp + DELAY);
        vm.expectEmit(true, true, true, true, address(kms));
        emit PolicyChanged(address(timelock), P_UPGRADE, addrTopic(address(v2)), true);
        executeViaSafe(address(kms), call, 2);
        assertEq(implementationOf(address(kms)), address(v2));
        assertEq(kms.owner(), address(timelock));
    }

    function test_appOwnedByTimelock() public {
        address appId = kms.deployAndRegisterApp(address(timelock), false, false, false, DEV, bytes32(0));
        bytes memory call = abi.encodeCall(DstackApp.addComposeHash, (CH));
        scheduleViaSafe(appId, call, 0);
        vm.warp(block.timestamp + DELAY);
        executeViaSafe(appId, call, 1);
        assertTrue(DstackApp(appId).allowedComposeHashes(CH));
    }

    // ------------------------------------------------------------------ who may not

    function test_nobodyElseGoverns() public {
        // the former deployer, a Safe owner on its own, and the Safe itself are not the owner
        vm.expectRevert(unauthorized(address(this)));
        kms.addOsImageHash(OS);
        vm.prank(signers[0]);
        vm.expectRevert(unauthorized(signers[0]));
        kms.addOsImageHash(OS);
        vm.prank(address(safe));
        vm.expectRevert(unauthorized(address(safe)));
        kms.addOsImageHash(OS);
        // a Safe owner cannot schedule on the timelock directly
        bytes32 proposer = timelock.PROPOSER_ROLE();
        vm.prank(signers[1]);
        vm.expectRevert(abi.encodeWithSelector(AccessControlUnauthorizedAccount.selector, signers[1], proposer));
        timelock.schedule(address(kms), 0, abi.encodeCall(DstackKms.addOsImageHash, (OS)), bytes32(0), SALT, DELAY);
        // a Safe transaction straight to the KMS (bypassing the timelock) fails inside: GS013
        bytes memory call = abi.encodeCall(DstackKms.addOsImageHash, (OS));
        bytes32 h = safe.getTransactionHash(address(kms), 0, call, 0, 0, 0, 0, address(0), address(0), safe.nonce());
        bytes memory sigs = sign(h, twoKeys(0, 1));
        vm.prank(relayer);
        vm.expectRevert(revertString("GS013"));
        safe.execTransaction(address(kms), 0, call, 0, 0, 0, 0, address(0), payable(address(0)), sigs);
        assertFalse(kms.allowedOsImages(OS));
    }

    function hashAt(address to, bytes memory data, uint256 n) internal view returns (bytes32) {
        return safe.getTransactionHash(to, 0, data, 0, 0, 0, 0, address(0), address(0), n);
    }

    /// Submits a Safe transaction to the timelock expecting the Safe to revert with `code`.
    function expectSafeRevert(bytes memory data, bytes memory sigs, string memory code) internal {
        vm.prank(relayer);
        vm.expectRevert(revertString(code));
        safe.execTransaction(address(timelock), 0, data, 0, 0, 0, 0, address(0), payable(address(0)), sigs);
    }

    function pendingSchedule() internal view returns (bytes memory) {
        return scheduleCall(address(kms), abi.encodeCall(DstackKms.addOsImageHash, (OS)));
    }

    function test_safe_oneSignatureIsNotEnough() public {
        bytes memory data = pendingSchedule();
        uint256[] memory one = new uint256[](1);
        one[0] = keys[0];
        expectSafeRevert(data, sign(hashAt(address(timelock), data, safe.nonce()), one), "GS020");
    }

    function test_safe_outsiderOrRepeatedSignerRejected() public {
        bytes memory data = pendingSchedule();
        bytes32 h = hashAt(address(timelock), data, safe.nonce());
        uint256[] memory k = new uint256[](2);
        k[0] = keys[0];
        k[1] = OUTSIDER_KEY;
        expectSafeRevert(data, sign(h, k), "GS026");
        k[0] = keys[1];
        k[1] = keys[1];
        expectSafeRevert(data, sign(h, k), "GS026");
    }

    function test_safe_unsortedSignaturesRejected() public {
        bytes memory data = pendingSchedule();
        bytes memory sorted = sign(hashAt(address(timelock), data, safe.nonce()), twoKeys(0, 1));
        bytes memory swapped = new bytes(130);
        for (uint256 i = 0; i < 65; i++) {
            swapped[i] = sorted[i + 65];
            swapped[i + 65] = sorted[i];
        }
        expectSafeRevert(data, swapped, "GS026");
        uint256 n = safe.nonce();
        assertTrue(execSafe(address(timelock), data, sorted), "two sorted owner signatures work");
        assertEq(safe.nonce(), n + 1);
    }

    function test_safe_signaturesForAnotherNonceRejected() public {
        bytes memory data = pendingSchedule();
        uint256 n = safe.nonce();
        expectSafeRevert(data, sign(hashAt(address(timelock), data, n + 1), twoKeys(0, 1)), "GS026");
        // and signatures for this nonce cannot be replayed once used
        bytes memory sigs = sign(hashAt(address(timelock), data, n), twoKeys(0, 1));
        assertTrue(execSafe(address(timelock), data, sigs));
        expectSafeRevert(data, sigs, "GS026");
    }

    function test_onChainApprovalPlusOneSignature() public {
        bytes memory data = scheduleCall(address(kms), abi.encodeCall(DstackKms.addKmsDevice, (DEV)));
        bytes32 h = safe.getTransactionHash(address(timelock), 0, data, 0, 0, 0, 0, address(0), address(0), safe.nonce());
        vm.prank(signers[2]);
        safe.approveHash(h);
        // approved-hash signature: r = owner, s = 0, v = 1; ordered by owner address with the other
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[0], h);
        bytes memory ecdsa = abi.encodePacked(r, s, v);
        bytes memory approved = abi.encodePacked(bytes32(uint256(uint160(signers[2]))), bytes32(0), uint8(1));
        bytes memory sigs =
            signers[0] < signers[2] ? abi.encodePacked(ecdsa, approved) : abi.encodePacked(approved, ecdsa);
        assertTrue(execSafe(address(timelock), data, sigs));
        assertTrue(timelock.isOperationPending(opId(address(kms), abi.encodeCall(DstackKms.addKmsDevice, (DEV)))));
    }

    // ------------------------------------------------------------------ the deploy hand-over

    /// The hand-over kmsctl deploy performs: a timelock created with zero delay and the deployer as
    /// a temporary proposer and executor; one batch runs acceptOwnership and updateDelay; then the
    /// deployer renounces its roles and only the Safe governs, with the real delay.
    function test_deployHandoverBatch() public {
        address deployer = address(0xDE9);
        address[] memory roles = new address[](2);
        roles[0] = address(safe);
        roles[1] = deployer;
        vm.startPrank(deployer);
        TimelockController tl = new TimelockController(0, roles, roles, address(0));
        DstackKms k = deployKms(deployer, address(new DstackApp()));
        k.addOsImageHash(OS); // initial policy, applied directly
        k.transferOwnership(address(tl));

        address[] memory targets = new address[](2);
        targets[0] = address(k);
        targets[1] = address(tl);
        uint256[] memory values = new uint256[](2);
        bytes[] memory payloads = new bytes[](2);
        payloads[0] = abi.encodeCall(k.acceptOwnership, ());
        payloads[1] = abi.encodeCall(TimelockController.updateDelay, (DELAY));
        vm.expectRevert(abi.encodeWithSelector(TimelockUnauthorizedCaller.selector, deployer));
        tl.updateDelay(DELAY); // only the timelock itself may change its delay
        tl.scheduleBatch(targets, values, payloads, bytes32(0), SALT, 0);
        vm.expectEmit(true, true, true, true, address(k));
        emit OwnershipTransferred(deployer, address(tl));
        tl.executeBatch(targets, values, payloads, bytes32(0), SALT); // ready at once: delay 0
        tl.renounceRole(tl.PROPOSER_ROLE(), deployer);
        tl.renounceRole(tl.EXECUTOR_ROLE(), deployer);
        tl.renounceRole(tl.CANCELLER_ROLE(), deployer);
        vm.stopPrank();

        assertEq(k.owner(), address(tl));
        assertEq(tl.getMinDelay(), DELAY);
        assertFalse(tl.hasRole(tl.PROPOSER_ROLE(), deployer));
        assertFalse(tl.hasRole(tl.EXECUTOR_ROLE(), deployer));
        assertFalse(tl.hasRole(tl.CANCELLER_ROLE(), deployer));
        assertTrue(tl.hasRole(tl.PROPOSER_ROLE(), address(safe)));
        assertTrue(tl.hasRole(tl.EXECUTOR_ROLE(), address(safe)));
        assertTrue(k.allowedOsImages(OS));
        bytes32 proposer = tl.PROPOSER_ROLE();
        vm.prank(deployer);
        vm.expectRevert(abi.encodeWithSelector(AccessControlUnauthorizedAccount.selector, deployer, proposer));
        tl.schedule(address(k), 0, abi.encodeCall(DstackKms.removeOsImageHash, (OS)), bytes32(0), SALT, DELAY);
        vm.prank(deployer);
        vm.expectRevert(unauthorized(deployer));
        k.removeOsImageHash(OS);
    }
}
