// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixtures, Errors} from "./Fixtures.sol";

/// @notice OpenZeppelin's Ownable2Step and UUPS functions, declared from their published
///         signatures (both DstackKms and DstackApp inherit them).
interface IOwnable2StepUUPS {
    function owner() external view returns (address);
    function pendingOwner() external view returns (address);
    function transferOwnership(address newOwner) external;
    function acceptOwnership() external;
    function renounceOwnership() external;
    function upgradeToAndCall(address newImplementation, bytes calldata data) external payable;
    function proxiableUUID() external view returns (bytes32);
}

/// @notice The access and upgrade rules DstackKms and DstackApp share, run against each: every
///         owner-only function refuses others with `OwnableUnauthorizedAccount(caller)`, the two-step
///         ownership transfer, renouncing, and the UUPS upgrade checks. A suite inherits this and
///         says which proxy, which calls are owner-only and which policy change stands for "the
///         owner governs" (the proxy is owned by `owner` after setUp).
abstract contract OwnedUpgradeableTest is Fixtures {
    /// The proxy under test.
    function target() internal view virtual returns (address);

    /// Every owner-only function with arguments that succeed for the owner, in an order in which
    /// the owner can run them one after another.
    function ownerOnlyCalls() internal virtual returns (bytes[] memory);

    /// An owner-only policy change that allows `tag`, and whether `tag` is allowed.
    function policyCall(bytes32 tag) internal pure virtual returns (bytes memory);
    function policyApplied(bytes32 tag) internal view virtual returns (bool);

    /// The policy set up by setUp is still in place.
    function assertPolicyUnchanged() internal view virtual;

    /// A UUPS implementation to upgrade to, and a contract that is not UUPS.
    function newImplementation() internal virtual returns (address);
    function notUupsContract() internal virtual returns (address);

    function owned() internal view returns (IOwnable2StepUUPS) {
        return IOwnable2StepUUPS(target());
    }

    /// `who` runs the policy call: it must succeed and take effect.
    function governs(address who, bytes32 tag) internal {
        vm.prank(who);
        (bool ok, bytes memory ret) = target().call(policyCall(tag));
        assertTrue(ok, "policy call failed");
        assertEq(ret.length, 0, "no return data");
        assertTrue(policyApplied(tag), "policy call took effect");
    }

    /// `who` runs the policy call: it must revert with OwnableUnauthorizedAccount(who).
    function refused(address who, bytes32 tag) internal {
        vm.prank(who);
        (bool ok, bytes memory ret) = target().call(policyCall(tag));
        assertFalse(ok, "non-owner policy call succeeded");
        assertEq(ret, unauthorized(who), "revert data");
        assertFalse(policyApplied(tag), "refused call took effect");
    }

    /// The owner upgrades the proxy to `impl`: both events in order, the new implementation, and
    /// the owner and pending owner unchanged.
    function upgradeAsOwner(address impl) internal {
        address pending = owned().pendingOwner();
        expectUpgradeEvents(target(), owner, impl);
        vm.prank(owner);
        owned().upgradeToAndCall(impl, "");
        assertEq(implementationOf(target()), impl, "implementation");
        assertEq(owned().owner(), owner, "owner kept");
        assertEq(owned().pendingOwner(), pending, "pending owner kept");
    }

    // ------------------------------------------------------------------ owner-only functions

    function test_ownerOnly_everyFunctionRefusesOthers() public {
        bytes[] memory calls = ownerOnlyCalls();
        address[3] memory others = [stranger, newOwner, address(this)];
        vm.prank(owner);
        owned().transferOwnership(newOwner); // a pending owner is not an owner either
        for (uint256 w = 0; w < others.length; w++) {
            for (uint256 i = 0; i < calls.length; i++) {
                vm.prank(others[w]);
                (bool ok, bytes memory ret) = target().call(calls[i]);
                assertFalse(ok, "non-owner call succeeded");
                assertEq(ret, unauthorized(others[w]), "revert data");
            }
        }
        assertPolicyUnchanged();
        // ownership functions themselves
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        owned().transferOwnership(stranger);
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        owned().renounceOwnership();
        assertEq(owned().owner(), owner);
        assertEq(owned().pendingOwner(), newOwner);
    }

    function testFuzz_ownerOnly(address caller, uint8 which) public {
        vm.assume(caller != owner);
        bytes[] memory calls = ownerOnlyCalls();
        vm.prank(caller);
        (bool ok, bytes memory ret) = target().call(calls[which % calls.length]);
        assertFalse(ok);
        assertEq(ret, unauthorized(caller));
    }

    function test_ownerOnly_ownerSucceedsOnEveryFunction() public {
        bytes[] memory calls = ownerOnlyCalls();
        for (uint256 i = 0; i < calls.length; i++) {
            vm.prank(owner);
            (bool ok,) = target().call(calls[i]);
            assertTrue(ok, "owner call failed");
        }
    }

    // ------------------------------------------------------------------ Ownable2Step

    function test_ownable2Step_transferAndAccept() public {
        vm.expectEmit(true, true, true, true, target());
        emit OwnershipTransferStarted(owner, newOwner);
        vm.prank(owner);
        owned().transferOwnership(newOwner);
        assertEq(owned().owner(), owner, "owner unchanged until accepted");
        assertEq(owned().pendingOwner(), newOwner);
        refused(newOwner, keccak256("pending")); // the pending owner does not govern yet
        governs(owner, keccak256("meanwhile")); // the old owner still does

        vm.expectEmit(true, true, true, true, target());
        emit OwnershipTransferred(owner, newOwner);
        vm.prank(newOwner);
        owned().acceptOwnership();
        assertEq(owned().owner(), newOwner);
        assertEq(owned().pendingOwner(), address(0));

        refused(owner, keccak256("late"));
        governs(newOwner, keccak256("now"));
    }

    function test_ownable2Step_acceptByStrangerReverts() public {
        vm.prank(owner);
        owned().transferOwnership(newOwner);
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        owned().acceptOwnership();
        vm.prank(owner);
        vm.expectRevert(unauthorized(owner)); // even the current owner cannot accept for someone else
        owned().acceptOwnership();
        assertEq(owned().owner(), owner);
        assertEq(owned().pendingOwner(), newOwner);
    }

    function test_ownable2Step_overridePendingTransfer() public {
        vm.startPrank(owner);
        owned().transferOwnership(newOwner);
        vm.expectEmit(true, true, true, true, target());
        emit OwnershipTransferStarted(owner, stranger);
        owned().transferOwnership(stranger);
        vm.stopPrank();
        assertEq(owned().pendingOwner(), stranger);
        vm.prank(newOwner);
        vm.expectRevert(unauthorized(newOwner));
        owned().acceptOwnership();
        vm.prank(stranger);
        owned().acceptOwnership();
        assertEq(owned().owner(), stranger);

        // cancelling: transferOwnership(0) clears the pending owner
        vm.prank(stranger);
        owned().transferOwnership(newOwner);
        vm.prank(stranger);
        owned().transferOwnership(address(0));
        assertEq(owned().pendingOwner(), address(0));
        vm.prank(newOwner);
        vm.expectRevert(unauthorized(newOwner));
        owned().acceptOwnership();
        assertEq(owned().owner(), stranger);
    }

    function test_renounceOwnership_locksPolicy() public {
        vm.expectEmit(true, true, true, true, target());
        emit OwnershipTransferred(owner, address(0));
        vm.prank(owner);
        owned().renounceOwnership();
        assertEq(owned().owner(), address(0));
        assertEq(owned().pendingOwner(), address(0));
        refused(owner, keccak256("z"));
    }

    // ------------------------------------------------------------------ upgrade checks

    function test_upgrade_byStrangerReverts() public {
        address before = implementationOf(target());
        address v2 = newImplementation();
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        owned().upgradeToAndCall(v2, "");
        assertEq(implementationOf(target()), before, "implementation unchanged");
    }

    function test_upgrade_toNonUupsContractReverts() public {
        address notUups = notUupsContract();
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Errors.ERC1967InvalidImplementation.selector, notUups));
        owned().upgradeToAndCall(notUups, "");
        // An address without code: proxiableUUID() "succeeds" with no return data and decoding
        // that fails outside OpenZeppelin's try/catch, so the revert carries no data at all.
        vm.prank(owner);
        vm.expectRevert(bytes(""));
        owned().upgradeToAndCall(address(0x1234), "");
    }

    function test_upgrade_onImplementationDirectlyReverts() public {
        address impl = implementationOf(target());
        address v2 = newImplementation();
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Errors.UUPSUnauthorizedCallContext.selector));
        IOwnable2StepUUPS(impl).upgradeToAndCall(v2, "");
        vm.expectRevert(abi.encodeWithSelector(Errors.UUPSUnauthorizedCallContext.selector));
        IOwnable2StepUUPS(impl).upgradeToAndCall(v2, ""); // not as the owner either
        assertEq(IOwnable2StepUUPS(impl).proxiableUUID(), IMPL_SLOT);
        vm.expectRevert(abi.encodeWithSelector(Errors.UUPSUnauthorizedCallContext.selector));
        owned().proxiableUUID(); // through the proxy: not allowed
    }
}
